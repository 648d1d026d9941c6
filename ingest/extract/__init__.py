"""File bytes to text, knowing files and bytes and nothing of letters: `files` reads and
identifies a file (SHA-256), `document` gives its text by type, `pdf` reads PDFs with pdfium.
Every failure is an ExtractError (`errors`) whose kind is the quarantine reason."""
