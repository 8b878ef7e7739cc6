"""sia.text"""
