"""The bundle file's suffix, in a module that imports nothing: opening the
data checks that the data folder holds no bundles before any of sync (and
its cryptography) is loaded."""

SUFFIX = ".ctb"
