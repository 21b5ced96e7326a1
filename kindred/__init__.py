"""Kindred: peer support and professional therapy, side by side."""
