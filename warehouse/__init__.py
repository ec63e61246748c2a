"""The nightly job: load the dialer feeds, build the marts, export them."""

import os

# Arrow's C++ code (the JSON parser, Parquet writer, compute kernels) allocates from its
# own default pool, which `pyarrow.set_memory_pool` does not change and which is read
# from this variable the first time it is used. Its default (mimalloc) keeps freed pages
# per thread: the 16 window workers of a 1M backfill held ~230 MB that way (peak RSS
# ~570 MB → ~340 MB on the system allocator, same wall time). See process_memory.py.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
