"""dlkg's faces: the command-line interface and the Streamlit app (thin shells over graph/ and ingest/)."""
