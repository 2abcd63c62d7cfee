"""The web pages: demo page, widget files, result card data, chart and PDF."""
