"""Export of released MGM checkpoints (PyTorch, the MGM repository's code) to MGM Serve's checkpoint
folder format (models/README.md), sharing the graph export of tools/mgm-tiny."""
