;; Adam's moment update and step direction (learning/transforms/adam.ts), f64x2 SIMD, for a float32
;; update U of n weights; m and v (float64) stay in this module's memory between calls.
;; Per weight, the JS loop's float64 operations in the same order (wasm never fuses a multiply-add):
;;   m ← b1·m + a1·g;   v ← b2·v + (a2·g)·g;   out = f32((m·c1) / (√(v·c2) + eps))
;; with a1 = 1 − b1, a2 = 1 − b2 and the bias corrections c1, c2 computed by the caller.
;; Pointers are byte offsets: g and out f32 (8-byte aligned), m and v f64 (16-byte aligned).
(module
  (memory (export "memory") 1)

  (func (export "adam")
    (param $n i32) (param $g i32) (param $m i32) (param $v i32) (param $out i32)
    (param $b1 f64) (param $b2 f64) (param $a1 f64) (param $a2 f64) (param $c1 f64) (param $c2 f64) (param $eps f64)
    (local $i i32) (local $pairs i32) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $b1v v128) (local $b2v v128) (local $a1v v128) (local $a2v v128) (local $c1v v128) (local $c2v v128) (local $epsv v128)
    (local $gs f64) (local $ms f64) (local $vs f64)
    (local.set $b1v (f64x2.splat (local.get $b1)))
    (local.set $b2v (f64x2.splat (local.get $b2)))
    (local.set $a1v (f64x2.splat (local.get $a1)))
    (local.set $a2v (f64x2.splat (local.get $a2)))
    (local.set $c1v (f64x2.splat (local.get $c1)))
    (local.set $c2v (f64x2.splat (local.get $c2)))
    (local.set $epsv (f64x2.splat (local.get $eps)))
    (local.set $pairs (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $two
        (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
        (local.set $gv (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $mv (f64x2.add
          (f64x2.mul (local.get $b1v) (v128.load (i32.add (local.get $m) (i32.shl (local.get $i) (i32.const 3)))))
          (f64x2.mul (local.get $a1v) (local.get $gv))))
        (local.set $vv (f64x2.add
          (f64x2.mul (local.get $b2v) (v128.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
          (f64x2.mul (f64x2.mul (local.get $a2v) (local.get $gv)) (local.get $gv))))
        (v128.store (i32.add (local.get $m) (i32.shl (local.get $i) (i32.const 3))) (local.get $mv))
        (v128.store (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3))) (local.get $vv))
        (v128.store64_lane 0 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32x4.demote_f64x2_zero
            (f64x2.div (f64x2.mul (local.get $mv) (local.get $c1v))
              (f64x2.add (f64x2.sqrt (f64x2.mul (local.get $vv) (local.get $c2v))) (local.get $epsv)))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $two)))
    ;; an odd last weight
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $gs (f64.promote_f32 (f32.load (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $ms (f64.add
          (f64.mul (local.get $b1) (f64.load (i32.add (local.get $m) (i32.shl (local.get $i) (i32.const 3)))))
          (f64.mul (local.get $a1) (local.get $gs))))
        (local.set $vs (f64.add
          (f64.mul (local.get $b2) (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
          (f64.mul (f64.mul (local.get $a2) (local.get $gs)) (local.get $gs))))
        (f64.store (i32.add (local.get $m) (i32.shl (local.get $i) (i32.const 3))) (local.get $ms))
        (f64.store (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3))) (local.get $vs))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.demote_f64
            (f64.div (f64.mul (local.get $ms) (local.get $c1))
              (f64.add (f64.sqrt (f64.mul (local.get $vs) (local.get $c2))) (local.get $eps)))))))
  )
)
