"""Page script run by st.navigation (see app.py); the rendering lives in ui/chat.py."""

from ui import chat

chat.page()
