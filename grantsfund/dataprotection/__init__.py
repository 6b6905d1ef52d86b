"""Data protection: how long personal data is kept, and the purge that anonymises what is past retention."""
