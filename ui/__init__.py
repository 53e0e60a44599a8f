"""The Streamlit pages: rendering only (all logic is in ``rag``; nothing runs at import)."""
