"""sia.label"""
