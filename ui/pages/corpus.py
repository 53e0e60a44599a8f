"""Page script run by st.navigation (see app.py); the rendering lives in ui/corpus.py."""

from ui import corpus

corpus.page()
