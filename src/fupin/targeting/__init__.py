"""精准识别: versioned rule sets, identification and classification runs, MPI, and explanations."""
