" For tests/test_editors.py: re-indent the whole file given as argument with
" the ftplugin's indentexpr (`gg=G`), then type a block header and a line
" under it, then a dedented line after a blank one; write the lines to
" $SHOT_RESULT and each line's fold level to $SHOT_RESULT.folds.
normal! gg=G
execute "normal! Go\<C-U>shot typed:\<CR>camera:\<CR>framing wide\<CR>\<CR>\<C-D>lighting:\<CR>key \"lamp\"\<Esc>"
call writefile(getline(1, '$'), $SHOT_RESULT)
call writefile(map(range(1, line('$')), 'foldlevel(v:val)'), $SHOT_RESULT . '.folds')
qall!
