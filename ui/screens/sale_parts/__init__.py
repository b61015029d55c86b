"""The parts of the sale screen: line editors, the offer row, both pages and the done panel."""
