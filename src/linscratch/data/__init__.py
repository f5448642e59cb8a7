"""Data in: tables read from files (CSV, Parquet, NPY), told by their bytes (`kinds`) and
checked cell by cell (`columns`), read whole or as memory-mapped views (`files`, `views`); the
sources a run draws its rows from (`sources`: the book's synthetic problem, a file, a shipped
data set in `datasets`); the rows' weights (`weights`); the held-out split (`rows`); the
memory and disk a run will need (`resources`); predictions written beside a file's rows
(`beside`).
"""
