"""sia.dedup"""
