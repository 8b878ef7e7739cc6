"""sia.repair"""
