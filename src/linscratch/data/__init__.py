"""Data in and out: tables read from files, each format an object (`formats`: CSV, Parquet,
NPY, Arrow IPC), other kinds of file told by their bytes (`kinds`), a table's columns checked
cell by cell (`columns`), columns chosen and read whole or as memory-mapped views (`files`);
the `Dataset` a run trains on (`dataset`); the rows' weights (`weights`); the held-out split
and standardization (`rows`); every file a run writes (`destinations`); linscratch's own JSON
files (`saved`); predictions written beside a file's rows (`beside`).
"""
