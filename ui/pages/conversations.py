"""Page script run by st.navigation (see app.py); the rendering lives in ui/conversations.py."""

from ui import conversations

conversations.page()
