"""Processing algorithms of weipian (staged inside the package as ``weipian_plugin.processing_algorithms``)."""
