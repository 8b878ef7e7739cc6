"""sia.io"""
