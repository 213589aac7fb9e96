" For tests/test_editors.py: the syntax group at each queried position.
" $SHOT_QUERY has lines FILE<Tab>LINE<Tab>BYTE-COLUMN; $SHOT_RESULT gets one
" group name per line (empty where no group applies).
let s:out = []
let s:current = ''
for s:row in readfile($SHOT_QUERY)
  let [s:path, s:line, s:col] = split(s:row, "\t")
  if s:path !=# s:current
    execute 'edit' fnameescape(s:path)
    let s:current = s:path
    call add(s:out, '# ' . &filetype)
  endif
  call add(s:out, synIDattr(synID(str2nr(s:line), str2nr(s:col), 1), 'name'))
endfor
call writefile(s:out, $SHOT_RESULT)
qall!
