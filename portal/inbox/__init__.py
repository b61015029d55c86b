"""Each branch's inbox: what head office and customers started online, read by cursor."""
