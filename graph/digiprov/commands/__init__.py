"""Feature commands. Each module defines ``register(main: click.Group)`` and keeps its
module-level imports light (click and the standard library only)."""
