" SoraScript shot lists: comments, indentation, folding, and `:make` with sorac.
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

" Blocks are indented with spaces, four to a level; a tab is an error (E103).
setlocal expandtab shiftwidth=4 softtabstop=4
setlocal comments=:// commentstring=//\ %s
setlocal formatoptions-=t formatoptions+=croql
setlocal iskeyword=@,48-57,_,192-255,-

" A line after a block header (a line ending in `:`) goes one level deeper;
" other lines keep the indentation of the line above, or stay dedented to the
" level of a block that encloses it (that closes the inner blocks). Blank and
" comment lines are skipped, as the compiler skips them.
setlocal indentexpr=ShotIndent(v:lnum) indentkeys=!^F,o,O
setlocal autoindent

" Fold by indentation, all folds open; a comment line takes the level of the
" lines around it.
setlocal foldmethod=indent foldignore=/ foldlevel=99

let b:undo_ftplugin = "setlocal expandtab< shiftwidth< softtabstop< comments< commentstring<"
      \ . " formatoptions< iskeyword< indentexpr< indentkeys< autoindent< foldmethod< foldignore< foldlevel<"

if !exists("current_compiler")
  compiler sorac
  let b:undo_ftplugin .= " | setlocal makeprg< errorformat<"
endif

if exists("*ShotIndent")
  finish
endif

function! s:IsCode(lnum) abort
  let line = getline(a:lnum)
  return line =~# '\S' && line !~# '^\s*//'
endfunction

function! ShotIndent(lnum) abort
  let prev = a:lnum - 1
  while prev > 0 && !s:IsCode(prev)
    let prev -= 1
  endwhile
  if prev == 0
    return 0
  endif
  " Drop a trailing comment that is not inside a string.
  let code = substitute(getline(prev), '^\%([^"/]\|"\%([^"\\]\|\\.\)*"\|/[^/]\)*\zs//.*$', '', '')
  if code =~# ':\s*$'
    return indent(prev) + shiftwidth()
  endif
  let current = indent(a:lnum)
  if getline(a:lnum) =~# '\S' && current < indent(prev) && index(s:Levels(prev), current) >= 0
    return current
  endif
  return indent(prev)
endfunction

" The indentation of every block that encloses a line, innermost first.
function! s:Levels(lnum) abort
  let levels = []
  let level = indent(a:lnum)
  let lnum = a:lnum - 1
  while lnum > 0 && level > 0
    if s:IsCode(lnum) && indent(lnum) < level
      let level = indent(lnum)
      call add(levels, level)
    endif
    let lnum -= 1
  endwhile
  return levels + [0]
endfunction
