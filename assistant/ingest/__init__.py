"""Ingestion: PDF -> pages -> cleaned lines -> chunks (legal articles or report sections)."""
