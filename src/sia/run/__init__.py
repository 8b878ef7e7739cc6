"""sia.run"""
