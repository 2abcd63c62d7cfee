"""One finished result, rendered: the result view, the radar chart and the PDF.

Every channel, the web card, the PDF and the adviser report render ``view.ResultView``.
"""
