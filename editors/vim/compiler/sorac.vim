" `:make` checks the current file with sorac and fills the quickfix list from
" its short format: FILE:LINE:COLUMN: SEVERITY[CODE]: MESSAGE.
if exists("current_compiler")
  finish
endif
let current_compiler = "sorac"

if exists(":CompilerSet") != 2
  command -nargs=* CompilerSet setlocal <args>
endif

CompilerSet makeprg=sorac\ check\ --format\ short\ %:S
CompilerSet errorformat=%f:%l:%c:\ %trror[%*[A-Z]%n]:\ %m,
      \%f:%l:%c:\ %tarning[%*[A-Z]%n]:\ %m,
      \%f:%l:%c:\ %tote[%*[A-Z]%n]:\ %m,
      \%-G%.%#
