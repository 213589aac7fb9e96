;;; shot-mode-tests.el --- ERT tests for shot-mode  -*- lexical-binding: t -*-

;; emacs --batch -Q -L editors/emacs -l ert -l editors/emacs/test/shot-mode-tests.el \
;;       -f ert-run-tests-batch-and-exit
;; `sorac' must be on PATH for the compile test.

(require 'ert)
(require 'shot-mode)

(defconst shot-tests--repo
  (expand-file-name "../../.." (file-name-directory (or load-file-name buffer-file-name))))

(defun shot-tests--file (relative)
  (expand-file-name relative shot-tests--repo))

(defmacro shot-tests--with-file (relative &rest body)
  "Run BODY in a `shot-mode' buffer holding the file RELATIVE to the repository."
  (declare (indent 1))
  `(with-temp-buffer
     (insert-file-contents (shot-tests--file ,relative))
     (shot-mode)
     (font-lock-ensure)
     ,@body))

(defun shot-tests--face-at (line column)
  "The first face at LINE and COLUMN (1-based, in characters)."
  (goto-char (point-min))
  (forward-line (1- line))
  (forward-char (1- column))
  (let ((face (get-text-property (point) 'face)))
    (if (listp face) (car face) face)))

(ert-deftest shot-mode-is-chosen-for-shot-files ()
  (with-current-buffer (find-file-noselect (shot-tests--file "examples/neon_diner.shot"))
    (should (eq major-mode 'shot-mode))
    (should (derived-mode-p 'prog-mode))
    (kill-buffer)))

(ert-deftest shot-mode-faces-at-chosen-positions ()
  (shot-tests--with-file "examples/neon_diner.shot"
    (dolist (case '((1 1 "import" shot-declaration-face)
                    (1 8 "\"std" font-lock-string-face)
                    (3 11 "mara" shot-declared-face)
                    (8 5 "crimson" shot-declared-face)
                    (8 13 "#b3122e" shot-quantity-face)
                    (13 5 "model" shot-statement-face)
                    (13 11 "sora-2-pro" shot-name-face)
                    (15 14 "8" shot-quantity-face)
                    (15 15 "s" shot-unit-face)
                    (20 17 "medium-close-up" shot-vocabulary-face)
                    (21 19 "f/" shot-unit-face)
                    (23 11 ".." shot-range-operator-face)
                    (23 16 "push" shot-vocabulary-face)
                    (23 24 "from" shot-statement-face)
                    (25 9 "key" shot-vocabulary-face)
                    (34 9 "mara" shot-speaker-face)
                    (34 14 "(quietly)" shot-delivery-face)
                    (35 9 "pause" shot-statement-face)
                    (38 9 "ambient" shot-statement-face)
                    (39 9 "at" shot-statement-face)
                    (39 15 "sfx" shot-statement-face)))
      (pcase-let ((`(,line ,column ,text ,face) case))
        (should (equal (list line text (shot-tests--face-at line column))
                       (list line text face)))
        (should (looking-at-p (regexp-quote text)))))))

(ert-deftest shot-mode-reads-a-line-by-its-block ()
  (with-temp-buffer
    (insert "shot a:\n    lighting:\n        ambient \"sky\" from above\n"
            "    sound:\n        ambient \"rain\"\n    variant wet:\n        cut 0s..2s:\n"
            "            \"\"\"\n    camera: not a block\n\"\"\"\n// sorac: allow W101\n"
            "palette p:\n    crimson #b3122e \"a \\\"red\\\" neon\"\n")
    (shot-mode)
    (font-lock-ensure)
    (should (eq (shot-tests--face-at 3 9) 'shot-vocabulary-face))
    (should (eq (shot-tests--face-at 5 9) 'shot-statement-face))
    (should (eq (shot-tests--face-at 6 13) 'shot-declared-face))
    (should (eq (shot-tests--face-at 7 9) 'shot-statement-face))
    (should (eq (shot-tests--face-at 9 5) 'shot-triple-string-face))
    (should (eq (shot-tests--face-at 11 1) 'shot-pragma-face))
    (should (eq (shot-tests--face-at 11 4) 'shot-pragma-keyword-face))
    (should (eq (shot-tests--face-at 13 5) 'shot-declared-face))
    (should (eq (shot-tests--face-at 13 24) 'shot-escape-face))))

(ert-deftest shot-mode-refontifies-a-block-when-its-header-changes ()
  (with-temp-buffer
    (insert "shot a:\n    lighting:\n        ambient \"sky\"\n")
    (shot-mode)
    (font-lock-ensure)
    (should (eq (shot-tests--face-at 3 9) 'shot-vocabulary-face))
    (goto-char (point-min))
    (forward-line 1)
    (delete-region (line-beginning-position) (line-end-position))
    (insert "    sound:")
    ;; Fontify only the edited line, as jit-lock does after a change.
    (font-lock-fontify-region (line-beginning-position) (line-end-position))
    (should (eq (shot-tests--face-at 3 9) 'shot-statement-face))))

(ert-deftest shot-mode-indent-region-keeps-a-well-indented-file ()
  (shot-tests--with-file "examples/film/film.shot"
    (let ((original (buffer-string)))
      (indent-region (point-min) (point-max))
      (should (equal (buffer-string) original)))))

(ert-deftest shot-mode-indents-a-sample ()
  (with-temp-buffer
    (shot-mode)
    ;; Lines after a header, and lines at no block's level, are put right;
    ;; a line at the level of an enclosing block stays there.
    (insert "shot a:\nduration 4s\n    camera:\nframing wide\n            lens 50mm\n"
            "// a comment\n    beats:\n0s..2s \"x\"\n")
    (indent-region (point-min) (point-max))
    (should (equal (buffer-string)
                   (concat "shot a:\n    duration 4s\n    camera:\n        framing wide\n"
                           "        lens 50mm\n// a comment\n    beats:\n        0s..2s \"x\"\n")))
    ;; A new line after a header goes one level deeper; TAB again cycles out.
    (goto-char (point-max))
    (insert "    sound:")
    (newline-and-indent)
    (should (equal (current-column) 8))
    (insert "ambient \"rain\"")
    (newline-and-indent)
    (should (equal (current-column) 8))
    (let ((this-command 'indent-for-tab-command) (last-command 'indent-for-tab-command))
      (indent-for-tab-command))
    (should (equal (current-column) 4))))

(ert-deftest shot-mode-comments ()
  (with-temp-buffer
    (shot-mode)
    (insert "shot a:\n    duration 4s")
    (comment-region (line-beginning-position) (line-end-position))
    (should (equal (buffer-substring (line-beginning-position) (line-end-position)) "    // duration 4s"))))

(ert-deftest shot-mode-imenu-lists-declarations ()
  (shot-tests--with-file "examples/film/film.shot"
    (let ((index (funcall imenu-create-index-function)))
      (should (equal (mapcar #'car (cdr (assoc "shot" index)))
                     '("arrival" "handover" "reaction" "departure")))
      (should (equal (mapcar #'car (cdr (assoc "sequence" index))) '("last_ferry")))
      (should (equal (mapcar #'car (cdr (assoc "remix" index))) '("departure_fog"))))))

(ert-deftest shot-mode-compile-reads-the-short-format ()
  (let* ((dir (make-temp-file "shot-compile" t))
         (file (expand-file-name "broken.shot" dir)))
    (copy-file (shot-tests--file "tests/ui/syntax/errors_in_three_declarations.shot") file)
    (with-current-buffer (find-file-noselect file)
      (should (equal compile-command "sorac check --format short broken.shot"))
      (let* ((compilation-buffer (compile compile-command))
             (process (get-buffer-process compilation-buffer)))
        (while (process-live-p process) (accept-process-output process 0.1))
        (accept-process-output nil 0.2)
        (let (found)
          (with-current-buffer compilation-buffer
            (goto-char (point-min))
            (dotimes (_ 3)
              (compilation-next-error 1)
              (let ((loc (compilation--message->loc (get-text-property (point) 'compilation-message))))
                (push (list (caar (compilation--loc->file-struct loc))
                            (compilation--loc->line loc) (compilation--loc->col loc))
                      found))))
          (should (equal (nreverse found)
                         '(("broken.shot" 3 15) ("broken.shot" 13 5) ("broken.shot" 21 14)))))))
    (delete-directory dir t)))

;;; shot-mode-tests.el ends here
