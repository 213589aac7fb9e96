;;; faces.el --- For tests/test_editors.py: the faces at queried positions  -*- lexical-binding: t -*-

;; emacs --batch -L editors/emacs -l faces.el, with $SHOT_QUERY holding lines
;; FILE<Tab>LINE<Tab>COLUMN (in characters) and $SHOT_RESULT to write: a
;; `# MODE' line per file, then the faces at each position, space-separated.

(require 'shot-mode)

(let ((out '())
      (current nil))
  (dolist (row (split-string (with-temp-buffer
                               (insert-file-contents (getenv "SHOT_QUERY"))
                               (buffer-string))
                             "\n" t))
    (let* ((fields (split-string row "\t"))
           (path (nth 0 fields)))
      (unless (equal path current)
        (setq current path)
        (set-buffer (find-file-noselect path))
        (font-lock-ensure)
        (push (format "# %s" major-mode) out))
      (goto-char (point-min))
      (forward-line (1- (string-to-number (nth 1 fields))))
      (forward-char (1- (string-to-number (nth 2 fields))))
      (let ((face (get-text-property (point) 'face)))
        (push (mapconcat #'symbol-name (if (listp face) face (list face)) " ") out))))
  (with-temp-file (getenv "SHOT_RESULT")
    (insert (mapconcat #'identity (nreverse out) "\n") "\n")))
