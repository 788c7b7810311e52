;; Spike propagation through a sparse (CSR) projection with one delay, and the delivery of a
;; tracked ring slot, for a post-synaptic population that keeps its state, its rings, their touched
;; lists and the projection's synapse arrays in one WebAssembly memory (WasmLifKernels). They do what
;; SparseProjection.propagate and LifPopulation.deliver (models/) do in JS, addition for addition in
;; the same order, so both give bit-identical rings, touched lists and state
;; (test/sparse-kernels.test.ts).
;;   addRowsTracked — for each spike id k of ids[0..count): slot[cols[s]] += w[s] over the row's
;;                    synapses s; a neuron whose slot value was exactly 0 before the addition is
;;                    appended to the slot's touched list. Returns the new list length, or −1 when the
;;                    list would outgrow `cap` entries (only repeated exact cancellations get there): the
;;                    remaining additions are then made untracked and the caller stops tracking.
;;   addRows        — the same additions without a touched list (an untracked ring).
;;   addRowsTrackedUniform, addRowsUniform — the same, for a projection whose weights are all equal
;;                    (Brian2's `on_pre='ge += we'`): w[0] is read once and added for every synapse,
;;                    so the weight array stays out of the memory traffic (the same values are added).
;;   addTouchedAndZero — target[i] += slot[i], slot[i] = 0 for the listed neurons whose value is ≠ 0.
;; All pointers are byte offsets into the imported memory.
;; Compiled by scripts/build-wasm.mjs into sparse-fanout.wasm.ts (base64); do not edit that file.
(module
  (import "env" "memory" (memory 1))
  (func (export "addRowsTracked")
    (param $pIds i32) (param $count i32) (param $pRowPtr i32) (param $pCols i32) (param $pW i32)
    (param $pSlot i32) (param $pTouched i32) (param $tc i32) (param $cap i32)
    (result i32)
    (local $k i32) (local $i i32) (local $s i32) (local $end i32) (local $j i32) (local $o i32) (local $old f64)
    (local $overflow i32)
    (block $spikesDone
      (loop $spikes
        (br_if $spikesDone (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $i (i32.load (i32.add (local.get $pIds) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $s (i32.load (i32.add (local.get $pRowPtr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $pRowPtr) (i32.shl (local.get $i) (i32.const 2)))))
        (block $rowDone
          (loop $row
            (br_if $rowDone (i32.ge_s (local.get $s) (local.get $end)))
            (local.set $j (i32.load (i32.add (local.get $pCols) (i32.shl (local.get $s) (i32.const 2)))))
            (local.set $o (i32.add (local.get $pSlot) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $old (f64.load (local.get $o)))
            (f64.store (local.get $o)
              (f64.add (local.get $old) (f64.load (i32.add (local.get $pW) (i32.shl (local.get $s) (i32.const 3))))))
            (if (f64.eq (local.get $old) (f64.const 0))
              (then
                (if (i32.eqz (local.get $overflow))
                  (then
                    (if (i32.eq (local.get $tc) (local.get $cap))
                      (then (local.set $overflow (i32.const 1)))
                      (else
                        (i32.store (i32.add (local.get $pTouched) (i32.shl (local.get $tc) (i32.const 2))) (local.get $j))
                        (local.set $tc (i32.add (local.get $tc) (i32.const 1)))))))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $row)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $spikes)))
    (select (i32.const -1) (local.get $tc) (local.get $overflow)))

  (func (export "addRows")
    (param $pIds i32) (param $count i32) (param $pRowPtr i32) (param $pCols i32) (param $pW i32) (param $pSlot i32)
    (local $k i32) (local $i i32) (local $s i32) (local $end i32) (local $o i32)
    (block $spikesDone
      (loop $spikes
        (br_if $spikesDone (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $i (i32.load (i32.add (local.get $pIds) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $s (i32.load (i32.add (local.get $pRowPtr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $pRowPtr) (i32.shl (local.get $i) (i32.const 2)))))
        (block $rowDone
          (loop $row
            (br_if $rowDone (i32.ge_s (local.get $s) (local.get $end)))
            (local.set $o (i32.add (local.get $pSlot)
              (i32.shl (i32.load (i32.add (local.get $pCols) (i32.shl (local.get $s) (i32.const 2)))) (i32.const 3))))
            (f64.store (local.get $o)
              (f64.add (f64.load (local.get $o)) (f64.load (i32.add (local.get $pW) (i32.shl (local.get $s) (i32.const 3))))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $row)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $spikes))))

  (func (export "addRowsTrackedUniform")
    (param $pIds i32) (param $count i32) (param $pRowPtr i32) (param $pCols i32) (param $pW i32)
    (param $pSlot i32) (param $pTouched i32) (param $tc i32) (param $cap i32)
    (result i32)
    (local $w f64) (local $k i32) (local $i i32) (local $s i32) (local $end i32) (local $j i32) (local $o i32) (local $old f64)
    (local $overflow i32)
    (local.set $w (f64.load (local.get $pW)))
    (block $spikesDone
      (loop $spikes
        (br_if $spikesDone (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $i (i32.load (i32.add (local.get $pIds) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $s (i32.load (i32.add (local.get $pRowPtr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $pRowPtr) (i32.shl (local.get $i) (i32.const 2)))))
        (block $rowDone
          (loop $row
            (br_if $rowDone (i32.ge_s (local.get $s) (local.get $end)))
            (local.set $j (i32.load (i32.add (local.get $pCols) (i32.shl (local.get $s) (i32.const 2)))))
            (local.set $o (i32.add (local.get $pSlot) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $old (f64.load (local.get $o)))
            (f64.store (local.get $o)
              (f64.add (local.get $old) (local.get $w)))
            (if (f64.eq (local.get $old) (f64.const 0))
              (then
                (if (i32.eqz (local.get $overflow))
                  (then
                    (if (i32.eq (local.get $tc) (local.get $cap))
                      (then (local.set $overflow (i32.const 1)))
                      (else
                        (i32.store (i32.add (local.get $pTouched) (i32.shl (local.get $tc) (i32.const 2))) (local.get $j))
                        (local.set $tc (i32.add (local.get $tc) (i32.const 1)))))))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $row)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $spikes)))
    (select (i32.const -1) (local.get $tc) (local.get $overflow)))

  (func (export "addRowsUniform")
    (param $pIds i32) (param $count i32) (param $pRowPtr i32) (param $pCols i32) (param $pW i32) (param $pSlot i32)
    (local $w f64) (local $k i32) (local $i i32) (local $s i32) (local $end i32) (local $o i32)
    (local.set $w (f64.load (local.get $pW)))
    (block $spikesDone
      (loop $spikes
        (br_if $spikesDone (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $i (i32.load (i32.add (local.get $pIds) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $s (i32.load (i32.add (local.get $pRowPtr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $pRowPtr) (i32.shl (local.get $i) (i32.const 2)))))
        (block $rowDone
          (loop $row
            (br_if $rowDone (i32.ge_s (local.get $s) (local.get $end)))
            (local.set $o (i32.add (local.get $pSlot)
              (i32.shl (i32.load (i32.add (local.get $pCols) (i32.shl (local.get $s) (i32.const 2)))) (i32.const 3))))
            (f64.store (local.get $o)
              (f64.add (f64.load (local.get $o)) (local.get $w)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $row)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $spikes))))

  (func (export "addTouchedAndZero")
    (param $pTouched i32) (param $count i32) (param $pSlot i32) (param $pTarget i32)
    (local $k i32) (local $i8 i32) (local $o i32) (local $x f64) (local $t i32)
    (block $done
      (loop $entries
        (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $i8 (i32.shl (i32.load (i32.add (local.get $pTouched) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3)))
        (local.set $o (i32.add (local.get $pSlot) (local.get $i8)))
        (local.set $x (f64.load (local.get $o)))
        (if (f64.ne (local.get $x) (f64.const 0))
          (then
            (local.set $t (i32.add (local.get $pTarget) (local.get $i8)))
            (f64.store (local.get $t) (f64.add (f64.load (local.get $t)) (local.get $x)))
            (f64.store (local.get $o) (f64.const 0))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $entries))))
)
