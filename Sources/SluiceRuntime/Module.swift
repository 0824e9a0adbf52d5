@_exported import SluiceCore
@_exported import SluiceSQL
@_exported import SluiceExec
@_exported import SluiceCSV
