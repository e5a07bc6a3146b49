# fw/grid: beat grids (synthetic ones until the analysis fills them).
TESTS += grid
NEON_TESTS += grid
grid_SRCS := fw/grid.c
grid_LIBS :=
