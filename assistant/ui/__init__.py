"""The Gradio app: chat with sources, corpus management and evaluation, over one index."""
