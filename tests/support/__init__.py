"""The project's self-check material, outside every wheel: servers with the mutant model's
mistakes and correct servers in every shape (`broken_servers`), the V8 oracle
(`ecma_oracle`) and the Unicode-age table builder (`build_unicode_ages`)."""
