"""Files innodrive writes for people (XLSX, DOCX, PDF): layout over the services' view models."""
