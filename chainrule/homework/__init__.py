"""Homework: checking a student's answer, classic mistakes, and worksheets."""
