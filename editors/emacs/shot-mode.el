;;; shot-mode.el --- Major mode for SoraScript shot lists  -*- lexical-binding: t -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages
;; URL: see editors/README.md in the SoraScript repository

;;; Commentary:

;; Highlighting, indentation, imenu and `compile' for `.shot' files.
;; The keywords, vocabularies, patterns and faces come from
;; shot-mode-tables.el, which editors/generate.py writes from the compiler's
;; grammar and tables.  This file holds what is written by hand: how a line's
;; block is found (blocks are indentation), indentation, and the commands.
;;
;;   (add-to-list 'load-path "/path/to/editors/emacs")
;;   (require 'shot-mode)

;;; Code:

(require 'compile)
(require 'imenu)
(require 'shot-mode-tables)

(defcustom shot-indent-offset 4
  "Columns per block level; the compiler reads any consistent indentation."
  :type 'integer
  :group 'shot)

(defcustom shot-sorac-command "sorac"
  "The sorac program that `compile' runs on a shot file."
  :type 'string
  :group 'shot)

;;;; Blocks

(defun shot--in-string-at (pos)
  "Whether POS is inside a string.  `syntax-ppss' may propertize the buffer,
which moves point and changes the match data: both are kept."
  (save-match-data (save-excursion (nth 3 (syntax-ppss pos)))))

(defun shot--code-line-p ()
  "Whether the line at point holds code.
Not blank, not a comment, not inside a string."
  (and (not (looking-at-p "[ \t]*\\(?://\\|$\\)"))
       (not (shot--in-string-at (line-beginning-position)))))

(defun shot--previous-code-line ()
  "Move to the start of the previous code line; nil when there is none."
  (let (found)
    (while (and (not found) (zerop (forward-line -1)))
      (setq found (shot--code-line-p)))
    found))

(defun shot--first-word ()
  "The first word of the line at point, after its indentation and a timing."
  (save-excursion
    (beginning-of-line)
    (and (looking-at shot-mode--lead-regexp) (match-string-no-properties 1))))

(defun shot--opens (kind word)
  "The kind of block that WORD opens in a block of KIND (\"top\": the file), or nil."
  (if (equal kind "top")
      (cdr (assoc word shot-mode--declarations))
    (cdr (assoc word (plist-get (cdr (assoc kind shot-mode--kinds)) :opens)))))

(defun shot--block-kind ()
  "The kind of block the line at point is in, following its headers from the top.
Like the compiler, blank and comment lines are not looked at."
  (save-excursion
    (beginning-of-line)
    (let ((indent (current-indentation))
          (headers '()))
      (while (and (> indent 0) (shot--previous-code-line))
        (when (< (current-indentation) indent)
          (setq indent (current-indentation))
          (push (shot--first-word) headers)))
      (let ((kind "top"))
        (dolist (word headers kind)
          (setq kind (or (and word (shot--opens kind word)) kind)))))))

;;;; Font lock

(defvar shot--lead-face nil
  "The face of the word that `shot--match-line-start' found.")

(defun shot--name-char-p (char)
  (and char (or (memq (char-syntax char) '(?w ?_)) (eq char ?-))))

(defun shot--search (regexp limit &optional quantity)
  "Search for REGEXP before LIMIT where no name continues on either side.
A QUANTITY does not continue into a unit character either."
  (let (found)
    (while (and (not found) (re-search-forward regexp limit t))
      (let ((after (char-after (match-end 0))))
        (setq found (and (not (shot--name-char-p (char-before (match-beginning 0))))
                         (not (shot--name-char-p after))
                         (not (and quantity after (memq after (string-to-list shot-mode--unit-chars))))))
        (unless found
          (goto-char (1+ (match-beginning 0))))))
    found))

(defun shot--match-line-start (limit)
  "Find the next line before LIMIT whose first word means something in its block.
Group 1 is the word (in `shot--lead-face'), 2 a name it declares, 3 a delivery."
  (let (found)
    (while (and (not found) (re-search-forward shot-mode--lead-regexp limit t))
      (let* ((start (match-beginning 1))
             (end (match-end 1))
             (word (match-string-no-properties 1))
             (kind (and (not (shot--in-string-at start)) (save-match-data (shot--block-kind))))
             (info (cdr (assoc kind shot-mode--kinds)))
             (roles (plist-get info :roles))
             name delivery)
        (cond
         ((null kind))
         ((equal kind "top")
          (when (assoc word shot-mode--declarations)
            (setq shot--lead-face 'shot-declaration-face found t)
            (when (member word shot-mode--declares) (setq name t))))
         ((member word (plist-get info :leaders))
          (setq shot--lead-face 'shot-statement-face found t)
          (when (member word (plist-get info :declares)) (setq name t)))
         ((and (member "speaker" roles) (save-excursion (goto-char end) (looking-at shot-mode--spoken-regexp)))
          (setq shot--lead-face 'shot-speaker-face found t)
          (when (match-beginning 1) (setq delivery (cons (match-beginning 1) (match-end 1)))))
         ((member "declared" roles)
          (setq shot--lead-face 'shot-declared-face found t)))
        (when found
          (when name
            (save-excursion
              (goto-char end)
              (setq name (and (looking-at (concat "[ \t]+\\(" shot-mode--name-regexp "\\)"))
                              (cons (match-beginning 1) (match-end 1))))))
          (set-match-data (list start end start end
                                (car name) (cdr name) (car delivery) (cdr delivery)))
          (goto-char end))))
    found))

(defun shot--matcher (regexp &optional quantity)
  "A font-lock matcher for REGEXP, bounded as `shot--search' bounds it."
  (lambda (limit) (shot--search regexp limit quantity)))

(defun shot--in-string-p ()
  "Whether the current match starts inside a string."
  (shot--in-string-at (match-beginning 0)))

(defun shot--font-lock-keywords ()
  "Font-lock rules from the generated tables, most specific first."
  `((,shot-mode--pragma-regexp
     (0 (unless (shot--in-string-p) 'shot-pragma-face) t)
     (1 (unless (shot--in-string-p) 'shot-pragma-keyword-face) t))
    (,shot-mode--escape-regexp (0 (when (shot--in-string-p) 'shot-escape-face) prepend))
    (shot--match-line-start (1 shot--lead-face) (2 'shot-declared-face nil t) (3 'shot-delivery-face nil t))
    (,shot-mode--range-operator-regexp . 'shot-range-operator-face)
    (,(shot--matcher shot-mode--prefix-quantity-regexp t)
     (1 'shot-unit-face) (2 'shot-quantity-face) (3 'shot-unit-face nil t) (4 'shot-unit-face nil t))
    (,(shot--matcher shot-mode--suffix-quantity-regexp t)
     (1 'shot-quantity-face) (2 'shot-unit-face) (3 'shot-unit-face nil t) (4 'shot-unit-face nil t))
    (,(shot--matcher shot-mode--quantity-regexp) . 'shot-quantity-face)
    (,(shot--matcher shot-mode--statement-regexp) . 'shot-statement-face)
    (,(shot--matcher shot-mode--vocabulary-regexp) . 'shot-vocabulary-face)
    (,(shot--matcher shot-mode--name-regexp) . 'shot-name-face)))

(defvar font-lock-beg)                  ; bound by font-lock around the extend functions
(defvar font-lock-end)

(defun shot--top-level-line-p ()
  "Whether the line at point starts a top-level declaration."
  (and (not (looking-at-p "[ \t]\\|//\\|$")) (not (shot--in-string-at (point)))))

(defun shot--extend-region ()
  "Fontify whole top-level declarations.
A header decides how the lines under it read, so a change to it must reach them."
  (let ((beg (save-excursion
               (goto-char font-lock-beg)
               (beginning-of-line)
               (while (and (not (bobp)) (not (shot--top-level-line-p))) (forward-line -1))
               (point)))
        (end (save-excursion
               (goto-char font-lock-end)
               (unless (bolp) (forward-line 1))
               (while (and (not (eobp)) (not (shot--top-level-line-p))) (forward-line 1))
               (point))))
    (prog1 (or (< beg font-lock-beg) (> end font-lock-end))
      (setq font-lock-beg (min beg font-lock-beg)
            font-lock-end (max end font-lock-end)))))

;;;; Strings and comments

(defvar shot-mode-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?/ ". 12" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    (modify-syntax-entry ?' "." table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?- "_" table)
    table)
  "Syntax table for `shot-mode'.
`//' comments, `\"' strings, names with `_' and `-'.")

(defun shot--syntax-propertize (start end)
  "Mark `\"\"\"' strings between START and END as string fences."
  (goto-char start)
  (while (re-search-forward "\"\"\"" end t)
    (let* ((quotes (match-beginning 0))
           (state (save-excursion (syntax-ppss quotes))))
      (cond
       ((nth 4 state))                  ; in a comment
       ((eq (nth 3 state) t)            ; closes a triple-quoted string
        (put-text-property (- (point) 1) (point) 'syntax-table (string-to-syntax "|"))
        (put-text-property quotes (- (point) 1) 'syntax-table (string-to-syntax ".")))
       ((nth 3 state))                  ; a quote inside a one-line string
       (t                               ; opens one
        (put-text-property quotes (1+ quotes) 'syntax-table (string-to-syntax "|"))
        (put-text-property (1+ quotes) (point) 'syntax-table (string-to-syntax ".")))))))

(defun shot--syntactic-face (state)
  "Faces for strings (triple-quoted ones apart) and comments, from STATE."
  (cond ((eq (nth 3 state) t) 'shot-triple-string-face)
        ((nth 3 state) 'font-lock-string-face)
        (t 'font-lock-comment-face)))

;;;; Indentation

(defun shot--header-line-p ()
  "Whether the line at point ends in `:' (before a comment): it opens a block."
  (save-excursion
    (end-of-line)
    (let ((comment (nth 8 (syntax-ppss))))
      (when (and comment (nth 4 (syntax-ppss))) (goto-char comment))
      (skip-chars-backward " \t")
      (eq (char-before) ?:))))

(defun shot--indent-candidates ()
  "The indentations the line at point may have, the most likely first.
After a header, one level deeper; otherwise the previous line's, or that of
any block enclosing it (which closes the blocks in between)."
  (save-excursion
    (beginning-of-line)
    (if (not (shot--previous-code-line))
        '(0)
      (let ((indent (current-indentation)))
        (if (shot--header-line-p)
            (list (+ indent shot-indent-offset))
          (let ((levels (list indent)))
            (while (and (> indent 0) (shot--previous-code-line))
              (when (< (current-indentation) indent)
                (setq indent (current-indentation))
                (push indent levels)))
            (nreverse (if (memq 0 levels) levels (cons 0 levels)))))))))

(defun shot-indent-line ()
  "Indent the line as a block needs; pressing TAB again cycles through the levels
of the enclosing blocks.  A line already at one of them keeps it."
  (interactive)
  (let* ((candidates (shot--indent-candidates))
         (current (current-indentation))
         (blank (save-excursion (beginning-of-line) (looking-at-p "[ \t]*$")))
         (target (cond ((and (eq this-command 'indent-for-tab-command)
                             (eq last-command 'indent-for-tab-command)
                             (memq current candidates))
                        (or (cadr (memq current candidates)) (car candidates)))
                       ((and (not blank) (memq current candidates)) current)
                       (t (car candidates))))
         (offset (- (current-column) current)))
    (indent-line-to target)
    (when (> offset 0) (move-to-column (+ target offset)))))

;;;; Commands

(defun shot--imenu-index ()
  "imenu entries: each kind of declaration and the names it declares."
  (mapcar (lambda (keyword)
            (list keyword (concat "^" (regexp-quote keyword) "[ \t]+\\(" shot-mode--name-regexp "\\)") 1))
          shot-mode--declares))

(defun shot--compile-command ()
  "Check the current file with sorac, in the short format `compile' reads."
  (when buffer-file-name
    (mapconcat #'shell-quote-argument
               (list shot-sorac-command "check" "--format" "short" (file-name-nondirectory buffer-file-name))
               " ")))

;; FILE:LINE:COLUMN: error|warning|note[CODE]: MESSAGE
(add-to-list 'compilation-error-regexp-alist-alist
             '(sorac "^\\([^:\n]+\\):\\([0-9]+\\):\\([0-9]+\\): \\(?:error\\|\\(warning\\)\\|\\(note\\)\\)\\["
                     1 2 3 (4 . 5)))
(add-to-list 'compilation-error-regexp-alist 'sorac)

;;;###autoload
(define-derived-mode shot-mode prog-mode "Shot"
  "Major mode for SoraScript shot lists (`.shot' files).
\\{shot-mode-map}"
  :syntax-table shot-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-start-skip "//+[ \t]*")
  (setq-local comment-end "")
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width shot-indent-offset)
  (setq-local indent-line-function #'shot-indent-line)
  (setq-local electric-indent-inhibit t)
  (setq-local syntax-propertize-function #'shot--syntax-propertize)
  (setq-local font-lock-defaults
              (list (shot--font-lock-keywords) nil nil nil nil
                    (cons 'font-lock-syntactic-face-function #'shot--syntactic-face)))
  (add-hook 'font-lock-extend-region-functions #'shot--extend-region nil t)
  (setq-local imenu-generic-expression (shot--imenu-index))
  (setq-local compile-command (or (shot--compile-command) compile-command)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.shot\\'" . shot-mode))

(provide 'shot-mode)
;;; shot-mode.el ends here
