"""The suite's base layer: the fragment under test (`spec`), its data types (`model`),
Unicode ages. Imports nothing else of the suite."""
