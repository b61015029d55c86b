"""The customer portal: customers sign in by a code and see their own warranties and claims."""
