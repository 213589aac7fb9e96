" SoraScript shot lists.
autocmd BufNewFile,BufRead *.shot setfiletype shot
