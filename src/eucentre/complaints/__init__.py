"""Complaints about removals (DSA Art. 20): the public form and status page, providers' API,
analysts' decisions with four eyes, the effects of an upheld complaint, and error accounting."""
