"""Sync between laptops by files: bundles on a USB stick or in a shared folder.

    bundle.export(path, passphrase, site=None)   write a bundle (passphrase None: plain)
    merge.merge(path, passphrase, commit=False)  preview: what would change
    merge.merge(path, passphrase, commit=True, backups=paths.backups)   apply
    folder.sync(folder, passphrase, paths)      the drop-folder round trip
    conflicts.open_conflicts() / conflicts.resolve(id, value)
    after_merge.register(step)                  run a service's step inside every import

Nothing here imports Textual or the services above it. The format is in docs/bundle-format.md.
"""
