"""printforge: generate CAD, analyze and repair meshes, serve it over gRPC and REST."""
