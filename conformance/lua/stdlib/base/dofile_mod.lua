-- Helper chunk for dofile.lua: returns several values and sees globals.
dofile_counter = (dofile_counter or 0) + 1
return "first", dofile_counter, select("#", ...)
