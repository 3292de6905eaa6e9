package app

// ImportBatch is how many rows one import transaction takes, for the
// black-box tests of resuming.
const ImportBatch = importBatch
