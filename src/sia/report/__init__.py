"""sia.report"""
