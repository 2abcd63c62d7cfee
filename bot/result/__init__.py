"""One finished result, rendered.

The result view every channel uses, the radar chart and the PDF.
"""
