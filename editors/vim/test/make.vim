" For tests/test_editors.py: `:make` on each file given as argument, then the
" quickfix list as FILE<Tab>LINE<Tab>COLUMN<Tab>TYPE<Tab>NUMBER<Tab>TEXT lines
" in $SHOT_RESULT, after a `# FILETYPE MAKEPRG` line per file.
let s:out = []
for s:file in argv()
  execute 'edit' fnameescape(s:file)
  silent make
  call add(s:out, '# ' . &filetype . ' ' . &makeprg)
  for s:item in getqflist()
    if s:item.valid
      call add(s:out, join([bufname(s:item.bufnr), s:item.lnum, s:item.col, s:item.type, s:item.nr, s:item.text], "\t"))
    endif
  endfor
endfor
call writefile(s:out, $SHOT_RESULT)
qall!
