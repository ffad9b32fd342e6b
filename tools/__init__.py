"""Stand-alone tools: the proof verifier and the docking-station uploader (standard library only)."""
