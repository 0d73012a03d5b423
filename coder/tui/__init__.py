"""The coding UI (`coder code PROJECT`): a Textual app over the coder library."""
