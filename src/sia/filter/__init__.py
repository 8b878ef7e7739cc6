"""sia.filter"""
